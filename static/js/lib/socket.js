// The live connection of a page: versioned pushes, snapshot resync, and an outbox that keeps
// commands (in localStorage) until the server has acknowledged them.
import { EVENTS, UNVERSIONED, VERSIONED } from "./events.js";
import { $, $$ } from "./dom.js";

const ACK_TIMEOUT_MS = 10000;

function newCommandId() {
  // crypto.randomUUID needs HTTPS; getRandomValues also works on a plain LAN address.
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class WorkshopConnection {
  constructor(config, handlers) {
    this.config = config;
    this.strings = config.strings;
    this.handlers = handlers;
    this.version = 0;
    this.resyncing = false;
    this.waiting = new Map(); // command id -> resolve function
    this.inFlight = new Set();
    this.outboxKey = `workshop:${config.workshop}:${config.role}:outbox`;
    this.outbox = this.loadOutbox();
    this.socket = io({
      auth: { workshop: config.workshop, role: config.role },
      reconnectionDelayMax: 5000,
    });
    this.bind();
    this.showStatus("connecting");
  }

  bind() {
    const socket = this.socket;
    socket.on("connect", () => {
      this.showStatus("connected");
      this.inFlight.clear();
      for (const command of this.outbox) this.transmit(command);
    });
    socket.on("disconnect", () => this.showStatus("offline"));
    // The phone knows before the server's ping does: say "offline" at once, retry at once.
    window.addEventListener("offline", () => {
      if (socket.connected) socket.io.engine.close();
      this.showStatus("offline");
    });
    window.addEventListener("online", () => {
      if (!socket.connected) socket.connect();
    });
    socket.on("connect_error", (error) => {
      if (error && error.data && error.data.message) {
        // Refused by the server (e.g. link replaced): say why and stop retrying.
        this.showStatus("refused", error.data.message);
        socket.disconnect();
      } else {
        this.showStatus("offline");
      }
    });
    socket.on(EVENTS.SNAPSHOT, (snapshot) => this.applySnapshot(snapshot));
    // The workshop was deleted (overview or retention): say so, drop the outbox, stop retrying.
    socket.on(EVENTS.WORKSHOP_DELETED, (payload) => {
      this.outbox = [];
      this.saveOutbox();
      this.showStatus("refused", payload.message);
      socket.disconnect();
    });
    for (const name of VERSIONED) {
      socket.on(name, (payload) => this.receive(name, payload));
    }
    for (const name of UNVERSIONED) {
      socket.on(name, (payload) => this.handlers.onPush?.(name, payload));
    }
    socket.on(EVENTS.PRESENCE_CHANGED, (p) => this.handlers.onPresence?.(p));
    socket.on(EVENTS.ME_CHANGED, (p) => this.handlers.onMe?.(p.me));
  }

  receive(name, payload) {
    if (!payload || typeof payload.v !== "number" || payload.v <= this.version) return;
    if (payload.v !== this.version + 1) {
      this.resync();
      return;
    }
    this.version = payload.v;
    if (name !== EVENTS.SYNC_TICK) this.handlers.onEvent?.(name, payload);
    // The server asks for a fresh snapshot when a change alters many views at once.
    if (payload.resync) this.resync();
  }

  applySnapshot(snapshot) {
    this.version = snapshot.v;
    this.handlers.onSnapshot?.(snapshot);
    if (snapshot.presence) this.handlers.onPresence?.(snapshot.presence);
    if (snapshot.me) this.handlers.onMe?.(snapshot.me);
  }

  resync() {
    if (this.resyncing) return;
    this.resyncing = true;
    this.socket
      .timeout(ACK_TIMEOUT_MS)
      .emit(EVENTS.SNAPSHOT_GET, { workshop: this.config.workshop }, (err, ack) => {
        this.resyncing = false;
        if (!err && ack && ack.ok) this.applySnapshot(ack.data);
      });
  }

  // Send a command; resolves with the server's acknowledgement, however long that takes.
  send(event, fields = {}) {
    const id = newCommandId();
    const command = { id, event, payload: { ...fields, id, workshop: this.config.workshop } };
    this.outbox.push(command);
    this.saveOutbox();
    const done = new Promise((resolve) => this.waiting.set(id, resolve));
    if (this.socket.connected) this.transmit(command);
    return done;
  }

  // Commands of one event still waiting for the server (e.g. cards typed offline).
  pending(event) {
    return this.outbox.filter((command) => command.event === event);
  }

  // A read-only request (no outbox, no retry); resolves with the ack or null when offline.
  request(event, fields = {}) {
    if (!this.socket.connected) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.socket
        .timeout(ACK_TIMEOUT_MS)
        .emit(event, { ...fields, workshop: this.config.workshop }, (err, ack) =>
          resolve(err ? null : ack),
        );
    });
  }

  transmit(command) {
    if (this.inFlight.has(command.id)) return;
    this.inFlight.add(command.id);
    this.socket.timeout(ACK_TIMEOUT_MS).emit(command.event, command.payload, (err, ack) => {
      this.inFlight.delete(command.id);
      if (err) {
        // No answer yet: the same id is sent again; the server applies it only once.
        if (this.socket.connected) setTimeout(() => this.transmit(command), 1000);
        return;
      }
      this.outbox = this.outbox.filter((c) => c.id !== command.id);
      this.saveOutbox();
      const resolve = this.waiting.get(command.id);
      this.waiting.delete(command.id);
      if (resolve) resolve(ack);
    });
  }

  loadOutbox() {
    try {
      const stored = JSON.parse(localStorage.getItem(this.outboxKey) || "[]");
      return Array.isArray(stored) ? stored : [];
    } catch {
      return [];
    }
  }

  saveOutbox() {
    try {
      localStorage.setItem(this.outboxKey, JSON.stringify(this.outbox));
    } catch {
      // Private mode or full storage: the outbox still lives in memory.
    }
    this.showPending();
    this.handlers.onOutbox?.();
  }

  showPending() {
    for (const node of $$("[data-pending]")) {
      node.hidden = this.outbox.length === 0;
      node.textContent = this.outbox.length ? `· ${this.strings.sending}` : "";
    }
  }

  showStatus(state, message) {
    const labels = {
      connected: this.strings.connected,
      connecting: this.strings.connecting,
      offline: this.strings.offline,
      refused: message,
    };
    for (const box of $$("[data-connection]")) {
      box.dataset.state = state;
      const text = $("[data-connection-text]", box);
      if (text) text.textContent = labels[state] || "";
    }
    this.showPending();
  }
}

// Run a command and report its progress in a status element ("wird gesendet …", then the result).
export async function sendWithStatus(connection, statusNode, event, fields) {
  const strings = connection.strings;
  if (statusNode) {
    statusNode.textContent = strings.sending;
    statusNode.dataset.state = "pending";
  }
  const ack = await connection.send(event, fields);
  if (statusNode) {
    statusNode.textContent = ack.ok ? strings.sent : ack.error.message;
    statusNode.dataset.state = ack.ok ? "ok" : "error";
  }
  return ack;
}

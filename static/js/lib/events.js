// Every Socket.IO event name; mirrors workshop/realtime/events.py.
export const EVENTS = Object.freeze({
  SNAPSHOT_GET: "snapshot.get",
  PHASE_SET: "phase.set",
  PHASE_STEP: "phase.step",
  TIMER_START: "timer.start",
  TIMER_EXTEND: "timer.extend",
  TIMER_STOP: "timer.stop",
  PROFILE_UPDATE: "profile.update",
  SNAPSHOT: "snapshot",
  PHASE_CHANGED: "phase.changed",
  TIMER_CHANGED: "timer.changed",
  WORKSHOP_CHANGED: "workshop.changed",
  ME_CHANGED: "me.changed",
  SYNC_TICK: "sync.tick",
  PRESENCE_CHANGED: "presence.changed",
});

// Pushes that carry the workshop version "v"; a gap in them means a missed change.
export const VERSIONED = [
  EVENTS.PHASE_CHANGED,
  EVENTS.TIMER_CHANGED,
  EVENTS.WORKSHOP_CHANGED,
  EVENTS.SYNC_TICK,
];

"""The floor of the voting benchmark: Flask-SocketIO with the same events and no database.

``voting_load.py`` drives this server with exactly the workload it drives the real app with, so
the app's figures can be read as a ratio to what Flask-SocketIO itself costs on this machine.
It answers only what the benchmark uses, like the app does:

- HTTP: ``/healthz``, ``GET``/``POST /j/<code>`` (join; the participant id goes into the signed
  session cookie), ``/w/<code>`` (the page config with the workshop id), ``/m/<token>``
  (moderator cookie, then that page). It prints the "Demo-Workshop: Code …" lines of
  ``run.py --demo``.
- Socket.IO: connect with ``{"workshop", "role"}`` auth (rooms ``w1:<role>`` and ``p<id>``,
  then a small ``snapshot``), and acknowledged ``phase.set``, ``goal.create``,
  ``round.create``, ``round.status``, ``round.preview`` and ``vote.dots`` with the app's ack
  shapes. Votes check round, goal, per-goal maximum and budget against ballots in memory.
- Aggregates: after a vote, ``round.progress`` (all roles) and ``round.tally`` (moderator and
  projector) are pushed at once after a quiet moment, else at most once per ``DELAY`` – the
  algorithm and interval of ``workshop/realtime/tallies.py``.

Not done here (the app's own work, which the ratio shows): the database, command ids stored for
replay, re-checking rights, pydantic validation, versions, presence and logging.

Started by the benchmark as ``python benchmarks/floor_server.py --host H --port P --async-mode
MODE`` from the checkout under test, whose ``run.patch_for`` and serving set-up
(``workshop.cli.run_server``, when the checkout has it) it uses.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import secrets
import sys
import threading
import time
from typing import Any

WORKSHOP_ID = 1
CODE = "FLOOR1"
DELAY = 0.2  # seconds, as DELAY in workshop/realtime/tallies.py
ROLES = ("participant", "moderator", "projector")


class Floor:
    """The state of the one workshop, in memory, behind one lock."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version = 0
        self.participants = 0
        self.goals: list[int] = []
        self.rounds: dict[int, dict[str, Any]] = {}
        #: round id -> participant id -> goal id -> dots
        self.ballots: dict[int, dict[int, dict[int, int]]] = {}

    def results(self, round_id: int) -> list[dict[str, Any]]:
        """Dots, shared rank and voter share per goal, best first (the app's result shape)."""
        goal_ids = self.rounds[round_id]["goal_ids"]
        ballots = list(self.ballots[round_id].values())
        dots = {g: sum(b.get(g, 0) for b in ballots) for g in goal_ids}
        voters = {g: sum(1 for b in ballots if b.get(g)) for g in goal_ids}
        voted = sum(1 for b in ballots if any(b.values())) or 1
        ordered = sorted(goal_ids, key=lambda g: (-dots[g], goal_ids.index(g)))
        results, rank = [], 0
        for index, goal in enumerate(ordered):
            if index == 0 or dots[goal] != dots[ordered[index - 1]]:
                rank = index + 1
            share = round(voters[goal] / voted, 3)
            results.append(
                {"goal_id": goal, "dots": dots[goal], "rank": rank, "voter_share": share}
            )
        return results

    def progress(self, round_id: int) -> dict[str, int]:
        voted = sum(1 for b in self.ballots[round_id].values() if any(b.values()))
        return {
            "round_id": round_id,
            "voted": voted,
            "eligible": self.participants,
            "proxy": 0,
            "paper": 0,
        }


def create_floor(async_mode: str):
    """The Flask app and its SocketIO server."""
    from flask import Flask, redirect, session
    from flask_socketio import ConnectionRefusedError, SocketIO, emit, join_room

    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_hex(32),
        SESSION_COOKIE_NAME="workshop_session",
    )
    sio = SocketIO(app, async_mode=async_mode, ping_interval=20, ping_timeout=20)
    floor = Floor()
    pending: set[int] = set()
    last_push: dict[int, float] = {}
    pending_lock = threading.Lock()

    @app.get("/healthz")
    def healthz():
        return "ok"

    @app.get("/j/<code>")
    def join_form(code: str):
        return (
            f'<form method="post" action="/j/{code}">'
            '<input type="hidden" name="csrf_token" value="floor"></form>'
        )

    @app.post("/j/<code>")
    def join(code: str):
        with floor.lock:
            floor.participants += 1
            session["participant"] = floor.participants
        return redirect(f"/w/{code}")

    @app.get("/w/<code>")
    def participant_page(code: str):
        config = f'{{"workshop": {WORKSHOP_ID}}}'
        return f'<script type="application/json" id="page-config">{config}</script>'

    @app.get("/m/<token>")
    def moderator_link(token: str):
        session["moderator"] = True
        return redirect(f"/w/{CODE}")

    @sio.on("connect")
    def on_connect(auth: Any = None) -> None:
        role = auth.get("role") if isinstance(auth, dict) else None
        if role == "participant" and "participant" in session:
            join_room(f"p{session['participant']}")
        elif role not in ("moderator", "projector") or not session.get("moderator"):
            raise ConnectionRefusedError({"code": "session_expired"})
        session["role"] = role
        join_room(f"w{WORKSHOP_ID}:{role}")
        emit(
            "snapshot", {"v": floor.version, "role": role, "me": {"id": session.get("participant")}}
        )

    def ok(data: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "data": data}

    def refuse(code: str) -> dict[str, Any]:
        return {"ok": False, "error": {"code": code, "kind": "conflict", "message": code}}

    def moderator_only(fn):
        def handler(payload: Any = None) -> dict[str, Any]:
            if session.get("role") != "moderator" or not isinstance(payload, dict):
                return refuse("not_allowed")
            with floor.lock:
                floor.version += 1
                return fn(payload)

        return handler

    @sio.on("phase.set")
    @moderator_only
    def on_phase_set(payload: dict[str, Any]) -> dict[str, Any]:
        return ok({"v": floor.version, "phase": payload.get("phase")})

    @sio.on("goal.create")
    @moderator_only
    def on_goal_create(payload: dict[str, Any]) -> dict[str, Any]:
        floor.goals.append(len(floor.goals) + 1)
        goal = {"id": floor.goals[-1], "title": payload.get("title", "")}
        return ok({"v": floor.version, "goal": goal})

    @sio.on("round.create")
    @moderator_only
    def on_round_create(payload: dict[str, Any]) -> dict[str, Any]:
        round_id = len(floor.rounds) + 1
        floor.rounds[round_id] = {
            "id": round_id,
            "status": "draft",
            "goal_ids": list(payload.get("goal_ids") or floor.goals),
            "budget": payload.get("budget", 5),
            "max_per_goal": payload.get("max_per_goal", 3),
            "live_results": bool(payload.get("live_results")),
        }
        floor.ballots[round_id] = {}
        return ok({"v": floor.version, "round": floor.rounds[round_id]})

    @sio.on("round.status")
    @moderator_only
    def on_round_status(payload: dict[str, Any]) -> dict[str, Any]:
        vote_round = floor.rounds.get(payload.get("round_id"))
        if vote_round is None:
            return refuse("round_not_found")
        vote_round["status"] = payload.get("status")
        return ok({"v": floor.version, "round": vote_round})

    @sio.on("round.preview")
    @moderator_only
    def on_round_preview(payload: dict[str, Any]) -> dict[str, Any]:
        if payload.get("round_id") not in floor.rounds:
            return refuse("round_not_found")
        return ok({"results": floor.results(payload["round_id"])})

    @sio.on("vote.dots")
    def on_vote_dots(payload: Any = None) -> dict[str, Any]:
        participant = session.get("participant")
        if session.get("role") != "participant" or not isinstance(payload, dict):
            return refuse("not_allowed")
        round_id, goal_id, dots = (payload.get(k) for k in ("round_id", "goal_id", "dots"))
        with floor.lock:
            vote_round = floor.rounds.get(round_id)
            if vote_round is None or vote_round["status"] != "open":
                return refuse("round_not_open")
            if goal_id not in vote_round["goal_ids"]:
                return refuse("goal_not_in_round")
            if not isinstance(dots, int) or not 0 <= dots <= vote_round["max_per_goal"]:
                return refuse("too_many_on_goal")
            ballot = floor.ballots[round_id].setdefault(participant, {})
            if sum(ballot.values()) - ballot.get(goal_id, 0) + dots > vote_round["budget"]:
                return refuse("budget_exceeded")
            ballot[goal_id] = dots
            ballot_view = {g: d for g, d in ballot.items() if d}
            data = {"round_id": round_id, "voter_id": participant, "ballot": ballot_view}
        sio.emit("ballot.changed", data, to=f"p{participant}")
        schedule(round_id)
        return ok(data)

    def schedule(round_id: int) -> None:
        with pending_lock:
            if round_id in pending:
                return
            pending.add(round_id)
            wait = max(0.0, last_push.get(round_id, 0.0) + DELAY - time.monotonic())
        sio.start_background_task(push_later, round_id, wait)

    def push_later(round_id: int, wait: float) -> None:
        if wait:
            sio.sleep(wait)
        with pending_lock:
            pending.discard(round_id)
            last_push[round_id] = time.monotonic()
        with floor.lock:
            progress = floor.progress(round_id)
            live = floor.rounds[round_id]["live_results"]
            tally = {"round_id": round_id, "results": floor.results(round_id)} if live else None
        for role in ROLES:
            sio.emit("round.progress", progress, to=f"w{WORKSHOP_ID}:{role}")
        if tally is not None:
            for role in ("moderator", "projector"):
                sio.emit("round.tally", tally, to=f"w{WORKSHOP_ID}:{role}")

    return app, sio


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Floor server of the voting benchmark.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--async-mode", choices=("eventlet", "gevent", "threading"))
    args = parser.parse_args(argv)
    # The checkout under test is the working directory: its patching and serving set-up.
    sys.path.insert(0, os.getcwd())
    from run import patch_for

    patch_for(args.async_mode)
    app, sio = create_floor(args.async_mode)
    base = f"http://{args.host}:{args.port}"
    print(f"Demo-Workshop: Code {CODE}")
    print(f"Moderation: {base}/m/{secrets.token_urlsafe(16)}", flush=True)
    from workshop import cli

    run_server = getattr(cli, "run_server", None)
    if run_server is not None:
        run_server(sio, app, args.host, args.port, args.async_mode)
    else:  # a checkout from before the serving set-up: plain socketio.run, as it served
        with contextlib.suppress(KeyboardInterrupt):
            sio.run(app, host=args.host, port=args.port, allow_unsafe_werkzeug=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

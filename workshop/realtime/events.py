"""Every Socket.IO event name; ``static/js/lib/events.js`` mirrors this module."""

# Client → server commands (acknowledged).
SNAPSHOT_GET = "snapshot.get"
PHASE_SET = "phase.set"
PHASE_STEP = "phase.step"
TIMER_START = "timer.start"
TIMER_EXTEND = "timer.extend"
TIMER_STOP = "timer.stop"
PROFILE_UPDATE = "profile.update"

# Server → client pushes.
SNAPSHOT = "snapshot"
PHASE_CHANGED = "phase.changed"
TIMER_CHANGED = "timer.changed"
WORKSHOP_CHANGED = "workshop.changed"
ME_CHANGED = "me.changed"
SYNC_TICK = "sync.tick"
PRESENCE_CHANGED = "presence.changed"
ERROR = "error"

"""Socket.IO adapters: event names, rooms, the command decorator, handlers and broadcasts."""

"""Unbound extension objects, bound to the app in ``create_app``."""

from __future__ import annotations

from flask_babel import Babel
from flask_socketio import SocketIO
from socketio import packet


class JsonPacket(packet.Packet):
    """A Socket.IO packet of JSON only, as every payload of this app is (docs/protocol.md).

    The default packet searches every outgoing payload, item by item, for binary parts to send
    as attachments: for a snapshot that is thousands of calls, 4 % of the server's time while
    a room joins. A payload that held bytes anyway fails to encode instead of going out.
    Incoming packets are decoded as before.
    """

    uses_binary_events = False

    def decode(self, encoded_packet: str | bytes) -> int:
        """Decode as before, but an event named ``*`` arrives as just another unknown event.

        ``*`` is the catch-all handler's own name: python-socketio hands such an event to the
        catch-all without its name, which Flask-SocketIO's wrapper cannot take (no answer, a
        traceback in the log). Renamed, the catch-all answers it like any unknown event.
        """
        attachments = super().decode(encoded_packet)
        data = self.data
        events = (packet.EVENT, packet.BINARY_EVENT)
        if self.packet_type in events and isinstance(data, list) and data[:1] == ["*"]:
            data[0] = "unknown:*"
        return attachments


socketio = SocketIO()
babel = Babel()

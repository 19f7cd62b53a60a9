"""Pydantic models of inbound Socket.IO payloads."""

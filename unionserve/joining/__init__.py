"""Joining the union online (入会申请): the portal application, the station's review, entry into the register."""

"""The broadcast's bar follows core.progress: messages queued of the recipients confirmed."""

from unionserve.broadcasts.models import Broadcast, BroadcastStatus


def test_broadcast_progress():
    sending = Broadcast(status=BroadcastStatus.SENDING, queued=1999, recipients=2000).progress
    assert (sending.percent, sending.state) == (99, "running")
    done = Broadcast(status=BroadcastStatus.DONE, queued=2000, recipients=2000)
    assert (done.progress.state, done.percent_queued) == ("done", 100)
    stopped = Broadcast(status=BroadcastStatus.CANCELLED, queued=500, recipients=2000).progress
    assert (stopped.percent, stopped.state) == (25, "stopped")
    assert Broadcast(status=BroadcastStatus.CONFIRMED).percent_queued == 0

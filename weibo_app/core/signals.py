"""Domain events. Services send them inside their transaction; features such as
notifications subscribe without the services knowing about them."""

from blinker import Namespace

_events = Namespace()

thread_opened = _events.signal("thread-opened")
thread_replied = _events.signal("thread-replied")  # kwargs: reply
thread_dismissed = _events.signal("thread-dismissed")
thread_transferred = _events.signal("thread-transferred")  # kwargs: source
thread_rated = _events.signal("thread-rated")
reply_released = _events.signal("reply-released")  # a held reply went public (sender: the reply)
thread_loop = _events.signal("thread-loop")  # a closed-loop step; kwargs: step, data
post_published = _events.signal("post-published")
post_submitted = _events.signal("post-submitted")  # a draft now waits for review (sender: the post)

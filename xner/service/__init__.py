"""What every xner service shares: settings, the app factory, the error mapping, the job broker and worker.

Nothing below ``xner/service/`` knows about HTTP or queues; everything HTTP- or queue-shaped lives here, in
``services/`` and in ``gateway/``.
"""

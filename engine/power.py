"""Sleep and shut down through logind, saying in words why when it cannot.

``systemctl suspend`` and ``systemctl poweroff`` ask systemd-logind over
D-Bus (``org.freedesktop.login1.Manager.Suspend`` / ``PowerOff``), which checks
the person's right to do it with polkit.  The worker has no terminal, so
nothing may prompt for a password: a refusal comes back as text at once.
"""

from __future__ import annotations

import logging
import shutil
import subprocess

from engine.protocol import WhenDone

log = logging.getLogger(__name__)

VERBS = {WhenDone.SLEEP: "suspend", WhenDone.SHUTDOWN: "poweroff"}
TIMEOUT = 30.0  # seconds systemctl may take to answer


def carry_out(action: WhenDone) -> str:
    """Suspend or power off the computer; "" when asked successfully, else why not."""
    verb = VERBS[action]
    program = shutil.which("systemctl")
    if program is None:
        return "systemctl was not found: this computer has no systemd-logind to ask."
    log.warning("asking logind to %s the computer", verb)
    try:
        result = subprocess.run([program, "--no-ask-password", verb], stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return f"systemctl {verb} did not answer within {TIMEOUT:.0f} seconds."
    except OSError as exc:
        return f"systemctl could not be run: {exc.strerror or exc}."
    if result.returncode != 0:
        said = " ".join(result.stderr.split()) or f"exit status {result.returncode}"
        return f"systemctl {verb} failed: {said}"
    return ""

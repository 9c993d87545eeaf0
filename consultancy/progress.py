"""A progress bar for management commands that work through many rows."""

import time


class Progress:
    """A one-line text bar, redrawn per batch on a terminal, printed once otherwise."""

    WIDTH = 30

    def __init__(self, stream, label, total, enabled):
        self.stream, self.label, self.total, self.enabled = stream, label, total, enabled
        self.done = 0
        self.started = time.perf_counter()
        self.interactive = enabled and stream.isatty()
        self.draw()

    def advance(self, count):
        self.done += count
        self.draw()

    def draw(self, final=False):
        if not (final or self.interactive) or not self.enabled:
            return
        filled = self.WIDTH * self.done // self.total if self.total else self.WIDTH
        line = (
            f"{self.label:<18} [{'#' * filled}{'.' * (self.WIDTH - filled)}] "
            f"{self.done:>7,}/{self.total:,}"
        )
        if final:
            line += f"  {time.perf_counter() - self.started:6.1f} s"
        self.stream.write(("\r" if self.interactive else "") + line, ending="\n" if final else "")
        self.stream.flush()

    def finish(self):
        self.draw(final=True)

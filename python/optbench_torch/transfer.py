"""Host-to-device copies that never make the host wait for the GPU's queue: numpy data goes
through a ring of pinned buffers, copied asynchronously into a fixed device tensor (a CUDA
graph's static input); a slot is reused only after its previous copy has finished."""
import numpy as np
import torch


class Uploader:
    def __init__(self, target, slots=3):
        self.target = target
        self.cuda = target.device.type == "cuda"
        if self.cuda:
            self.pinned = [torch.empty(target.shape, dtype=target.dtype).pin_memory() for _ in range(slots)]
            self.events = [None] * slots
            self.next = 0

    def put(self, array):
        """Copies ``array`` (numpy, target's shape) into the target, in stream order."""
        host = torch.from_numpy(np.ascontiguousarray(array)).to(self.target.dtype)
        if not self.cuda:
            self.target.copy_(host)
            return
        i = self.next
        self.next = (i + 1) % len(self.pinned)
        if self.events[i] is not None:
            self.events[i].synchronize()
        self.pinned[i].copy_(host)
        self.target.copy_(self.pinned[i], non_blocking=True)
        event = torch.cuda.Event()
        event.record()
        self.events[i] = event

export type Timer = { at: number; seq: number; task: () => void; cancelled: boolean };

/**
 * A binary min-heap of timers ordered by due time, then by scheduling order, so scheduling and
 * taking the next due timer cost O(log n) even with tens of thousands of pending retries.
 */
export type TimerHeap = {
  push(timer: Timer): void;
  /** The earliest timer, without removing it. */
  peek(): Timer | undefined;
  pop(): Timer | undefined;
  clear(): void;
};

export function createTimerHeap(): TimerHeap {
  let items: Timer[] = [];
  const before = (a: Timer, b: Timer) => a.at < b.at || (a.at === b.at && a.seq < b.seq);
  const swap = (i: number, j: number) => {
    const item = items[i]!;
    items[i] = items[j]!;
    items[j] = item;
  };
  return {
    push(timer) {
      items.push(timer);
      for (let i = items.length - 1; i > 0; ) {
        const parent = (i - 1) >> 1;
        if (!before(items[i]!, items[parent]!)) break;
        swap(i, parent);
        i = parent;
      }
    },
    peek: () => items[0],
    pop() {
      const top = items[0];
      const last = items.pop();
      if (top === undefined || last === undefined || items.length === 0) return top;
      items[0] = last;
      for (let i = 0; ; ) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && before(items[left]!, items[smallest]!)) smallest = left;
        if (right < items.length && before(items[right]!, items[smallest]!)) smallest = right;
        if (smallest === i) break;
        swap(i, smallest);
        i = smallest;
      }
      return top;
    },
    clear() {
      items = [];
    },
  };
}

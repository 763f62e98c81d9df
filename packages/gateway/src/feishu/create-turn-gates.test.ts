import { describe, expect, it } from 'vitest';
import { createTurnGates, type Turn } from './create-turn-gates.ts';

const later = (ms: number) => Date.now() + ms;

describe('turn gates', () => {
  it('grants turns one at a time, in order, once the gate opens', async () => {
    const gates = createTurnGates();
    const granted: string[] = [];
    const take = (name: string) =>
      gates.take('budget', { notBefore: later(50), deadline: later(5_000), front: false }).then((turn) => {
        granted.push(name);
        return turn;
      });
    const [a, b, c] = [take('a'), take('b'), take('c')];
    expect(gates.busy('budget')).toBe(true);

    const first = await a;
    expect(granted).toEqual(['a']);
    first?.end();
    (await b)?.end();
    (await c)?.end();
    expect(granted).toEqual(['a', 'b', 'c']);
    expect(gates.busy('budget')).toBe(false);
  });

  it('keeps the gate closed while a turn is taken, and puts a refused caller back in front', async () => {
    const gates = createTurnGates();
    const first = (await gates.take('budget', { notBefore: 0, deadline: later(5_000), front: false })) as Turn;
    let secondGranted = false;
    const second = gates.take('budget', { notBefore: 0, deadline: later(5_000), front: false }).then((turn) => {
      secondGranted = true;
      return turn;
    });
    const again = gates.take('budget', { notBefore: later(50), deadline: later(5_000), front: true });
    first.end();
    const retried = await again;
    expect(secondGranted).toBe(false);
    retried?.end();
    (await second)?.end();
    expect(secondGranted).toBe(true);
  });

  it('answers undefined at the deadline and lets the next caller in', async () => {
    const gates = createTurnGates();
    const late = gates.take('budget', { notBefore: later(2_000), deadline: later(50), front: false });
    await expect(late).resolves.toBeUndefined();
    expect(gates.busy('budget')).toBe(false);
  });
});

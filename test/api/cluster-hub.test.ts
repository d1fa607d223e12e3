import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/api/logger.js';
import { ClusterHub } from '../../src/api/cluster/hub.js';
import type { ToWorker } from '../../src/api/cluster/messages.js';

/** A hub with workers `ids` joined; each worker's inbox collects what the hub sends it. */
function hubWith(ids: number[]) {
  const hub = new ClusterHub({ log: createLogger('silent') });
  const inbox = new Map<number, ToWorker[]>(ids.map((id) => [id, []]));
  for (const id of ids) hub.join({ id, send: (m) => void inbox.get(id)?.push(m) });
  const questions = (id: number) => (inbox.get(id) ?? []).filter((m) => m.type === 'churn:question');
  const answers = (id: number) => (inbox.get(id) ?? []).filter((m) => m.type === 'churn:answers');
  return { hub, inbox, questions, answers };
}

describe('ClusterHub', () => {
  it("passes an ask to every other worker and sends their answers back together, under the asker's id", () => {
    const { hub, questions, answers } = hubWith([1, 2, 3]);
    hub.receive(1, { type: 'churn:ask', id: 7, topic: 'cache.clear', payload: null, timeoutMs: 1000 });
    expect(questions(1)).toEqual([]);
    const [q2] = questions(2);
    const [q3] = questions(3);
    expect(q2).toMatchObject({ topic: 'cache.clear', payload: null });
    hub.receive(2, { type: 'churn:answer', id: (q2 as { id: number }).id, ok: true, value: { cleared: 4 } });
    expect(answers(1)).toEqual([]);
    hub.receive(3, { type: 'churn:answer', id: (q3 as { id: number }).id, ok: false, error: 'boom' });
    expect(answers(1)).toEqual([
      {
        type: 'churn:answers',
        id: 7,
        answers: [
          { worker: 2, ok: true, value: { cleared: 4 } },
          { worker: 3, ok: false, error: 'boom' },
        ],
      },
    ]);
    hub.close();
  });

  it('answers at once when the asker is alone, and ignores what is not ours', () => {
    const { hub, inbox, answers } = hubWith([1]);
    for (const junk of [null, 'churn:ask', { type: 'other' }, { type: 'churn:ask', id: 'x' }, { type: 'churn:answer', id: 99, ok: true }]) hub.receive(1, junk);
    expect(inbox.get(1)).toEqual([]);
    hub.receive(1, { type: 'churn:ask', id: 1, topic: 'metrics', payload: null, timeoutMs: 1000 });
    expect(answers(1)).toEqual([{ type: 'churn:answers', id: 1, answers: [] }]);
    hub.close();
  });

  it('a worker that exits counts as failed at once; one that stays silent, at the timeout', async () => {
    const { hub, answers } = hubWith([1, 2, 3]);
    hub.receive(1, { type: 'churn:ask', id: 1, topic: 'cache.stats', payload: null, timeoutMs: 100 });
    hub.leave(2);
    expect(answers(1)).toEqual([]);
    await new Promise((r) => setTimeout(r, 150));
    const [done] = answers(1) as { answers: unknown[] }[];
    expect(done.answers).toEqual([
      { worker: 2, ok: false, error: 'the worker exited before answering' },
      { worker: 3, ok: false, error: 'no answer within 100 ms' },
    ]);
    // A late answer changes nothing.
    hub.receive(3, { type: 'churn:answer', id: 1, ok: true, value: {} });
    expect(answers(1)).toHaveLength(1);
    hub.close();
  });

  it('grants a lock to one worker at a time, in order, and frees it when the holder exits', () => {
    const { hub, inbox } = hubWith([1, 2, 3]);
    const locked = (id: number) => (inbox.get(id) ?? []).filter((m) => m.type === 'churn:locked');
    hub.receive(1, { type: 'churn:lock', id: 5, name: 'model.reload' });
    hub.receive(2, { type: 'churn:lock', id: 6, name: 'model.reload' });
    hub.receive(3, { type: 'churn:lock', id: 7, name: 'model.reload' });
    expect(locked(1)).toEqual([{ type: 'churn:locked', id: 5 }]);
    expect(locked(2)).toEqual([]);
    // Worker 3 gives up waiting: its request leaves the queue without being granted.
    hub.receive(3, { type: 'churn:unlock', id: 7, name: 'model.reload' });
    // Only the holder's own unlock frees the lock.
    hub.receive(2, { type: 'churn:unlock', id: 5, name: 'model.reload' });
    expect(locked(2)).toEqual([]);
    hub.receive(1, { type: 'churn:unlock', id: 5, name: 'model.reload' });
    expect(locked(2)).toEqual([{ type: 'churn:locked', id: 6 }]);
    hub.receive(1, { type: 'churn:lock', id: 8, name: 'model.reload' });
    hub.leave(2);
    expect(locked(1)).toEqual([{ type: 'churn:locked', id: 5 }, { type: 'churn:locked', id: 8 }]);
    expect(locked(3)).toEqual([]);
    hub.close();
  });

  it("drops an ask whose asker has exited, and records a reload for replacements", () => {
    const asks: string[] = [];
    const hub = new ClusterHub({ log: createLogger('silent'), onAsk: (from, topic) => asks.push(`${from}:${topic}`) });
    const sent: ToWorker[] = [];
    hub.join({ id: 1, send: () => undefined });
    hub.join({ id: 2, send: (m) => void sent.push(m) });
    hub.receive(1, { type: 'churn:ask', id: 1, topic: 'model.reload', payload: { path: '/m.json', version: 'v' }, timeoutMs: 1000 });
    expect(asks).toEqual(['1:model.reload']);
    hub.leave(1);
    hub.receive(2, { type: 'churn:answer', id: (sent[0] as { id: number }).id, ok: true, value: { version: 'v' } });
    expect(sent).toHaveLength(1);
    hub.close();
  });
});

import { redirect } from 'next/navigation';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';

import { AppError } from '../errors';
import { answer, noInput, publicAction, publicActionWith, refusal } from './client';

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) data.set(key, value);
  return data;
};

const schema = z.object({
  name: z.string().min(1, 'Enter a name.'),
  password: z.string().min(10, 'Too short.'),
  age: z.coerce.number().int(),
});

describe('the action builder', () => {
  it('returns every field error at once, and the inputs back without the password', async () => {
    const work = vi.fn(async () => 'done');
    const action = publicAction.action(schema, work);
    const result = await action(undefined, form({ name: '', password: 'short', age: 'x', $ACTION_ID_1: '' }));
    expect(result).toMatchObject({ ok: false, code: 'validation_failed', values: { name: '', age: 'x' } });
    expect(Object.keys((result as { fieldErrors: object }).fieldErrors).sort()).toEqual(['age', 'name', 'password']);
    expect((result as { values: object }).values).not.toHaveProperty('password');
    expect(work).not.toHaveBeenCalled();
  });

  it('runs the work with parsed input, and carries a message', async () => {
    const action = publicAction.action(schema, async (input) => answer({ next: input.age + 1 }, `Hello ${input.name}`));
    expect(await action(undefined, form({ name: 'Ada', password: 'long enough!', age: '41' }))).toEqual({
      ok: true,
      data: { next: 42 },
      message: 'Hello Ada',
    });
  });

  it('maps an AppError to its code and message, or to the fields it names', async () => {
    const onForm = publicAction.action(noInput, async () => {
      throw new AppError('conflict', 'Taken.');
    });
    expect(await onForm(undefined, form({}))).toMatchObject({ ok: false, code: 'conflict', formError: 'Taken.' });
    const onField = publicAction.action(noInput, async () => {
      throw new AppError('conflict', 'Taken.', { slug: ['This address is taken.'] });
    });
    expect(await onField(undefined, form({}))).toMatchObject({
      ok: false,
      code: 'conflict',
      formError: undefined,
      fieldErrors: { slug: ['This address is taken.'] },
    });
  });

  it('answers anything else with "nothing was saved", never its message', async () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const action = publicAction.action(noInput, async () => {
      throw new Error('connection to 10.0.0.5 refused');
    });
    const result = await action(undefined, form({}));
    error.mockRestore();
    expect(result).toMatchObject({ ok: false, code: 'internal' });
    expect(JSON.stringify(result)).not.toContain('10.0.0.5');
  });

  it("lets Next's redirect through as control flow", async () => {
    const action = publicAction.action(noInput, async () => redirect('/somewhere'));
    await expect(action(undefined, form({}))).rejects.toMatchObject({ digest: expect.stringContaining('NEXT_REDIRECT') });
  });

  it('stops at a refusing step, before parsing and work, and gives the inputs back', async () => {
    const work = vi.fn(async () => undefined);
    const action = publicAction.use(async () => refusal('forbidden', 'Not for you.')).action(schema, work);
    expect(await action(undefined, form({ name: '' }))).toEqual({
      ok: false,
      code: 'forbidden',
      formError: 'Not for you.',
      values: { name: '' },
    });
    expect(work).not.toHaveBeenCalled();
  });

  it('passes bound arguments and step context to the work, inside the wrapper', async () => {
    const seen: string[] = [];
    const action = publicActionWith<[slug: string]>()
      .use(async (_context, [slug]) => ({ tenant: slug.toUpperCase() }))
      .wrap(async (context, run) => {
        seen.push(`enter ${context.tenant}`);
        try {
          return await run();
        } finally {
          seen.push('leave');
        }
      })
      .action(noInput, async (_input, context, [slug]) => {
        seen.push(`work ${context.tenant} ${slug}`);
        return context.tenant;
      });
    expect(await action('acme', undefined, form({}))).toEqual({ ok: true, data: 'ACME' });
    expect(seen).toEqual(['enter ACME', 'work ACME acme', 'leave']);
  });

  it('a plain form action throws its refusal instead of returning it', async () => {
    const action = publicAction.use(async () => refusal('unauthorized', 'Sign in first.')).formAction(noInput, async () => undefined);
    await expect(action(form({}))).rejects.toMatchObject({ code: 'unauthorized', detail: 'Sign in first.' });
  });
});

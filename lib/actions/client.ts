import { unstable_rethrow } from 'next/navigation';
import { z } from 'zod';

import { AppError, fieldErrorsOf, type ErrorCode, type FieldErrors } from '../errors';

// The one way to write a server action. A client is a chain of steps that each either add to the
// context (the signed-in user, the tenant's membership…) or refuse with a form-level message; an
// action built on it parses the form with a zod schema, returns EVERY field error at once with the
// inputs the person typed (never a password), runs the work — inside whatever the client wraps it
// in, e.g. the tenant's context — and maps what the work throws: an AppError to its code and
// message, Next's redirect()/notFound() passed through as the control flow they are, anything else
// to a neutral "nothing was saved" (and the log).
//
//   publicAction                      lib/actions/client.ts   sign-up, forgot password, tokens
//   → signedInAction / verifiedAction lib/actions/user.ts     account, workspaces, invitations
//   → tenantAction                    lib/auth/entry.ts       membership + permission + limit + context
//
// The result is what useActionState renders, with or without JavaScript.

export type ActionResult<T = undefined> =
  | { ok: true; data: T; message?: string }
  | { ok: false; code: ErrorCode; formError?: string; fieldErrors?: FieldErrors; values?: Record<string, string> };

export type ActionFailure = Extract<ActionResult, { ok: false }>;

/** What an action's work returns to also show a message ("Check your inbox…") beside its data. */
export class Answer<T> {
  constructor(
    readonly data: T,
    readonly message: string,
  ) {}
}

export const answer = <T>(data: T, message: string) => new Answer(data, message);

type Unwrapped<R> = R extends Answer<infer T> ? T : R extends void ? undefined : R;

/** A step's refusal: the form shows `formError`; nothing ran. */
export function refusal(code: ErrorCode, formError: string): ActionFailure {
  return { ok: false, code, formError };
}

/** What the person typed, to give back with a refusal — never a password or a one-time code. */
export function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) {
    if (typeof value !== 'string' || key.startsWith('$') || /password|code/i.test(key)) continue;
    values[key] = value;
  }
  return values;
}

/** An error thrown by an action's work, as the form shows it. */
export function failure(error: unknown, values?: Record<string, string>): ActionFailure {
  if (error instanceof AppError)
    return { ok: false, code: error.code, formError: error.fieldErrors ? undefined : error.detail, fieldErrors: error.fieldErrors, values };
  console.error('action failed:', error);
  return { ok: false, code: 'internal', formError: 'Something went wrong on our side. Nothing was saved; please try again.', values };
}

/** A parser of the raw form: a zod schema, or a function for forms whose fields depend on each other. */
export type InputParser<T> =
  z.ZodType<T> | ((raw: Record<string, string>) => { success: true; data: T } | { success: false; fieldErrors: FieldErrors });

function parse<T>(
  parser: InputParser<T>,
  raw: Record<string, string>,
): { success: true; data: T } | { success: false; fieldErrors: FieldErrors } {
  if (typeof parser === 'function') return parser(raw);
  const parsed = parser.safeParse(raw);
  return parsed.success ? { success: true, data: parsed.data } : { success: false, fieldErrors: fieldErrorsOf(parsed.error) };
}

/** A step: from the context so far (and the action's bound arguments) to a larger one, or a refusal. */
export type Step<In, Out, Bound extends unknown[]> = (context: In, bound: Bound) => Promise<Out | ActionFailure>;

/** Runs the work inside something (the tenant's context); errors it throws are the work's. */
export type Around<Context> = <T>(context: Context, work: () => Promise<T>) => Promise<T>;

const isRefusal = (value: unknown): value is ActionFailure =>
  typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false && 'code' in value;

/** The arguments of a built action: those bound with .bind(), then useActionState's two. */
export type ActionArguments<Bound extends unknown[]> = [...Bound, previous: unknown, formData: FormData];

export class ActionClient<Context, Bound extends unknown[]> {
  constructor(
    private readonly steps: ReadonlyArray<Step<unknown, unknown, Bound>>,
    private readonly around: Around<Context> | undefined,
  ) {}

  /** A client whose actions also run `step` (after this client's steps). */
  use<Next>(step: Step<Context, Next, Bound>): ActionClient<Next, Bound> {
    return new ActionClient<Next, Bound>([...this.steps, step as Step<unknown, unknown, Bound>], undefined);
  }

  /** A client whose actions' work runs inside `around`. */
  wrap(around: Around<Context>): ActionClient<Context, Bound> {
    return new ActionClient(this.steps, around);
  }

  /** A form action: parse with `input`, then `work(input, context, bound)`. */
  action<Input, Result>(
    input: InputParser<Input>,
    work: (input: Input, context: Context, bound: Bound) => Promise<Result>,
  ): (...args: ActionArguments<Bound>) => Promise<ActionResult<Unwrapped<Result>>> {
    return async (...args) => {
      const last = args[args.length - 1];
      const formData = last instanceof FormData ? last : new FormData();
      const bound = args.slice(0, -2) as unknown as Bound;
      const raw: Record<string, string> = {};
      for (const [key, value] of formData.entries()) if (typeof value === 'string' && !key.startsWith('$')) raw[key] = value;
      const values = formValues(formData);
      let context: unknown = {};
      for (const step of this.steps) {
        const next = await step(context, bound);
        if (isRefusal(next)) return { ...next, values };
        context = next;
      }
      const checked = parse(input, raw);
      if (!checked.success) return { ok: false, code: 'validation_failed', fieldErrors: checked.fieldErrors, values };
      try {
        const run = () => work(checked.data, context as Context, bound);
        const data = this.around ? await this.around(context as Context, run) : await run();
        if (data instanceof Answer) return { ok: true, data: data.data as Unwrapped<Result>, message: data.message };
        return { ok: true, data: data as Unwrapped<Result> };
      } catch (error) {
        unstable_rethrow(error); // redirect() and notFound() are control flow, not failures
        return failure(error, values);
      }
    };
  }

  /**
   * An action for a plain `<form action>` with nothing to show in place (sign out everywhere): the
   * same steps, parsing and work; a refusal is thrown to the error page instead of returned.
   */
  formAction<Input>(input: InputParser<Input>, work: (input: Input, context: Context, bound: Bound) => Promise<void>) {
    const built = this.action(input, work);
    return async (...args: [...Bound, formData: FormData]): Promise<void> => {
      const formData = args[args.length - 1] as FormData;
      const result = await built(...([...args.slice(0, -1), undefined, formData] as unknown as ActionArguments<Bound>));
      if (!result.ok) throw new AppError(result.code, result.formError ?? 'This form could not be sent.');
    };
  }
}

/** The input of a form that is one button. */
export const noInput = z.object({});

/** The base client: no user needed. */
export const publicAction = new ActionClient<object, []>([], undefined);

/** The base client for actions with bound arguments (a token from the URL, a tenant's slug). */
export const publicActionWith = <Bound extends unknown[]>() => new ActionClient<object, Bound>([], undefined);

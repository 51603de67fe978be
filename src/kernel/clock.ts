/**
 * The only source of time (ARCHITECTURE.md: `ctx.clock.now()`). Deadlines and audit stamps read
 * it, so a future test clock or a clock-skew fix changes one place.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

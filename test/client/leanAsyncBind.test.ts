import { describe, expect, it } from '@jest/globals';
import { AsyncLocalStorage, AsyncResource, executionAsyncId } from 'node:async_hooks';
import { useLeanAsyncResourceBind } from '../../client/core/net/leanAsyncBind.js';

describe('the lean AsyncResource.bind', () => {
  useLeanAsyncResourceBind();

  it('replaces the implementation that carries the deprecated accessor', () => {
    expect(AsyncResource.prototype.bind.toString()).not.toContain('DEP0172');
    const before = AsyncResource.prototype.bind;
    useLeanAsyncResourceBind();
    expect(AsyncResource.prototype.bind).toBe(before);
  });

  it('runs the function in the resource’s async scope, with its arguments and result', () => {
    const resource = new AsyncResource('test');
    const bound = resource.bind((a: number, b: number) => ({ id: executionAsyncId(), sum: a + b }));
    expect(bound(2, 3)).toEqual({ id: resource.asyncId(), sum: 5 });
  });

  it('keeps the async context of where it was bound, as http2 relies on', () => {
    const storage = new AsyncLocalStorage<string>();
    const bound = storage.run('at bind', () => new AsyncResource('test').bind(() => storage.getStore()));
    expect(storage.run('at call', bound)).toBe('at bind');
  });

  it('uses thisArg when given, else the caller’s this', () => {
    const resource = new AsyncResource('test');
    function name(this: { name: string }): string {
      return this.name;
    }
    // @types/node leaves thisArg out of bind's signature; Node has taken it since 14.
    const bindTo = resource.bind.bind(resource) as (fn: () => string, thisArg?: unknown) => () => string;
    expect({ name: 'caller', fn: bindTo(name) }.fn()).toBe('caller');
    expect({ name: 'caller', fn: bindTo(name, { name: 'target' }) }.fn()).toBe('target');
  });

  it('refuses what is not a function', () => {
    // By message: the bind in place may come from another test file's module realm (Node's prototype is shared).
    expect(() => new AsyncResource('test').bind(42 as unknown as () => void)).toThrow(/"fn" argument must be of type function/);
  });
});

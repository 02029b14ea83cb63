/**
 * UiState behind a synchronous dispatch. Keys can arrive several per tick (a paste,
 * "text" then Enter in one write): each handler must see the state its predecessor
 * left, which React's useReducer only provides after a render.
 */
import { uiReducer, type UiAction } from './uiReducer.js';
import type { UiState } from './uiState.js';

export interface UiStore {
  getState(): UiState;
  dispatch(action: UiAction): void;
  subscribe(listener: () => void): () => void;
}

export function createUiStore(initial: UiState): UiStore {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    getState: () => state,
    dispatch(action) {
      const next = uiReducer(state, action);
      if (next === state) return;
      state = next;
      for (const listener of listeners) listener();
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

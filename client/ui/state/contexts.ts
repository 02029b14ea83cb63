/** State and actions travel in separate contexts: a component that only acts never re-renders on state. */
import { createContext, useContext } from 'react';
import type { Draft } from './lineEditor.js';
import type { Focus } from './uiState.js';
import type { UiState } from './uiState.js';

export interface UiActions {
  /** Applies an edit to the newest draft (several keys can arrive before the next render). */
  editDraft(edit: (draft: Draft) => Draft): void;
  /** Runs the draft: a slash command, or text for the open conversation. */
  submit(): void;
  /** Up/Down outside the history: moves between the draft's lines while the input has one, else picks a conversation. */
  upDown(delta: -1 | 1): void;
  setFocus(focus: Focus): void;
  cycleFocus(delta: number): void;
  /** Lines; positive scrolls up into older messages. */
  scrollHistory(delta: number): void;
  /** Back to the open conversation (closes help, verify, search) and clears the status messages. */
  dismiss(): void;
  quit(): void;
}

export const UiStateContext = createContext<UiState | null>(null);
export const UiActionsContext = createContext<UiActions | null>(null);

export function useUiState(): UiState {
  const state = useContext(UiStateContext);
  if (!state) throw new Error('useUiState outside UiStateContext');
  return state;
}

export function useUiActions(): UiActions {
  const actions = useContext(UiActionsContext);
  if (!actions) throw new Error('useUiActions outside UiActionsContext');
  return actions;
}

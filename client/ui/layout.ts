/** Splits the terminal into the panes; one place, so the views and the scroll keys agree. */
export interface TerminalSize {
  rows: number;
  columns: number;
}

export interface ScreenLayout {
  width: number;
  /** One row short of the terminal: a frame as tall as the terminal makes Ink clear the screen on every render. */
  height: number;
  mainHeight: number;
  listWidth: number;
  conversationWidth: number;
  inputHeight: number;
}

/** The input line grows with a multi-line message up to this many lines. */
export const MAX_INPUT_LINES = 5;
const BORDER = 2;
const PADDING_X = 2;
const STATUS_BAR_HEIGHT = 1;
/** The conversation's title line. */
const TITLE_HEIGHT = 1;
export const BANNER_HEIGHT = 2;

/** The smallest terminal the panes fit in; below it the app says so instead of drawing them. */
export const MIN_SIZE: TerminalSize = { rows: 9, columns: 40 };

export function fitsTerminal(size: TerminalSize): boolean {
  return size.rows >= MIN_SIZE.rows && size.columns >= MIN_SIZE.columns;
}

export function screenLayout(size: TerminalSize, draftLines: number): ScreenLayout {
  const height = Math.max(MIN_SIZE.rows - 1, size.rows - 1);
  const width = Math.max(MIN_SIZE.columns, size.columns);
  const inputHeight = BORDER + Math.min(Math.max(1, draftLines), MAX_INPUT_LINES);
  const listWidth = Math.min(30, Math.max(18, Math.floor(width / 4)));
  return {
    width,
    height,
    mainHeight: Math.max(BORDER + TITLE_HEIGHT + 1, height - STATUS_BAR_HEIGHT - inputHeight),
    listWidth,
    conversationWidth: width - listWidth,
    inputHeight,
  };
}

/** The message area inside the conversation pane. */
export function historyViewport(layout: ScreenLayout, showsBanner: boolean): { width: number; height: number } {
  const height = layout.mainHeight - BORDER - TITLE_HEIGHT - (showsBanner ? BANNER_HEIGHT : 0);
  return { width: Math.max(10, layout.conversationWidth - BORDER - PADDING_X), height: Math.max(1, height) };
}

/** Columns for the draft's text: inside the input box, after the "> " prompt. */
export function inputTextWidth(layout: ScreenLayout): number {
  return Math.max(1, layout.width - BORDER - PADDING_X - 2);
}

/** Inside the help pane, which takes the whole width. */
export function helpViewport(layout: ScreenLayout): { width: number; height: number } {
  return { width: Math.max(10, layout.width - BORDER - PADDING_X), height: Math.max(1, layout.mainHeight - BORDER) };
}

/** Rows of the conversation list inside its pane (below its title). */
export function listViewport(layout: ScreenLayout): { width: number; height: number } {
  return {
    width: Math.max(4, layout.listWidth - BORDER - PADDING_X),
    height: Math.max(1, layout.mainHeight - BORDER - TITLE_HEIGHT),
  };
}

/** The root: wires the client to state and actions, and picks what the right-hand pane shows. */
import { useStdout } from 'ink';
import { useEffect } from 'react';
import type { ChatClientApi } from '../core/api.js';
import { ConversationView } from './components/ConversationView.js';
import { HelpView } from './components/HelpView.js';
import { RegisterPrompt } from './components/RegisterPrompt.js';
import { Screen } from './components/Screen.js';
import { SearchView } from './components/SearchView.js';
import { TooSmall } from './components/TooSmall.js';
import { VerifyView } from './components/VerifyView.js';
import { useChatActions } from './hooks/useChatActions.js';
import { useChatClient } from './hooks/useChatClient.js';
import { useTerminalSize } from './hooks/useTerminalSize.js';
import { fitsTerminal, helpViewport, historyViewport, screenLayout, type ScreenLayout } from './layout.js';
import { UiActionsContext, UiStateContext } from './state/contexts.js';
import { openSummary, type UiState } from './state/uiState.js';

const BELL = '\x07';

export interface AppProps {
  client: ChatClientApi;
  bell: boolean;
}

export function App({ client, bell }: AppProps) {
  const { stdout } = useStdout();
  const [state, store] = useChatClient(client, { bell, ring: () => stdout.write(BELL) });
  const size = useTerminalSize();
  const layout = screenLayout(size, state.draft.text.split('\n').length);
  const actions = useChatActions(client, store, layout);
  const historyWidth = historyViewport(layout, false).width;
  useEffect(() => store.dispatch({ type: 'historyWidth', width: historyWidth }), [store, historyWidth]);
  return (
    <UiActionsContext.Provider value={actions}>
      <UiStateContext.Provider value={state}>
        {/* Panes squeezed below their minimum wrap into each other: say so instead. */}
        {fitsTerminal(size) ? (
          <Screen layout={layout} main={mainPane(state, layout)} showList={state.panel.kind !== 'help'} placeholder={placeholder(state)} />
        ) : (
          <TooSmall size={size} />
        )}
      </UiStateContext.Provider>
    </UiActionsContext.Provider>
  );
}

function mainPane(state: UiState, layout: ScreenLayout) {
  const now = Date.now();
  if (state.registration !== 'registered') {
    return <RegisterPrompt ownNumber={state.ownNumber} serverAddress={state.serverAddress} registration={state.registration} />;
  }
  switch (state.panel.kind) {
    case 'help': {
      const { width, height } = helpViewport(layout);
      return <HelpView width={width} height={height} scroll={state.panel.scroll} />;
    }
    case 'verify':
      return (
        <VerifyView ownNumber={state.ownNumber} number={state.panel.number} safetyNumber={state.panel.safetyNumber} stale={state.panel.stale ?? false} />
      );
    case 'search':
      return <SearchView text={state.panel.text} results={state.panel.results} height={layout.mainHeight - 2} now={now} />;
    case 'none': {
      const conversation = openSummary(state);
      const viewport = historyViewport(layout, conversation?.identityChanged ?? false);
      return (
        <ConversationView
          conversation={conversation}
          history={state.open === undefined ? undefined : state.histories[state.open]}
          focused={state.focus === 'history'}
          width={viewport.width}
          height={viewport.height}
          scroll={state.scroll}
          now={now}
        />
      );
    }
  }
}

function placeholder(state: UiState): string {
  if (state.registration === 'unregistered') return 'Enter registers this number · /help';
  if (state.open === undefined) return '/chat <number> starts a conversation · /help';
  return `message ${state.open} · Enter sends · Ctrl+N new line · /help`;
}

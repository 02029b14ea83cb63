import { Box } from 'ink';
import type { ReactNode } from 'react';
import { useKeyboard } from '../hooks/useKeyboard.js';
import { historyViewport, inputTextWidth, listViewport, type ScreenLayout } from '../layout.js';
import { useUiState } from '../state/contexts.js';
import { visibleConversations } from '../state/uiState.js';
import { ConversationList } from './ConversationList.js';
import { InputLine } from './InputLine.js';
import { StatusBar } from './StatusBar.js';

export interface ScreenProps {
  layout: ScreenLayout;
  /** The right-hand pane: the open conversation, or verify, search, the register offer. */
  main: ReactNode;
  /** Without the conversation list, `main` takes the whole width (help). */
  showList: boolean;
  placeholder: string;
}

/** The frame around every view: conversations left, `main` right, input and status bar below. */
export function Screen(props: ScreenProps) {
  const state = useUiState();
  const { layout } = props;
  useKeyboard(historyViewport(layout, false).height);
  const list = listViewport(layout);
  return (
    <Box flexDirection="column" width={layout.width} height={layout.height}>
      <Box height={layout.mainHeight} overflow="hidden">
        {props.showList && (
          <Box width={layout.listWidth} flexShrink={0}>
            <ConversationList
              conversations={visibleConversations(state)}
              open={state.open}
              focused={state.focus === 'conversations'}
              width={list.width}
              height={list.height}
            />
          </Box>
        )}
        <Box width={props.showList ? layout.conversationWidth : layout.width} flexDirection="column">
          {props.main}
        </Box>
      </Box>
      <InputLine draft={state.draft} focused={state.focus === 'input'} placeholder={props.placeholder} width={inputTextWidth(layout)} />
      <StatusBar
        ownNumber={state.ownNumber}
        serverAddress={state.serverAddress}
        registration={state.registration}
        connection={state.connection}
        catchingUp={state.catchingUp}
        notice={state.notice}
        lastError={state.lastError}
      />
    </Box>
  );
}

// The command ids the manifest contributes and the extension registers (kept vscode-free so the
// manifest unit test can check both lists agree).

export const COMMAND_IDS = [
  'streamHealth.openDashboard', 'streamHealth.reconnect', 'streamHealth.reconnectAll', 'streamHealth.pause',
  'streamHealth.resume', 'streamHealth.addEndpoint', 'streamHealth.measureIdleTimeout', 'streamHealth.setHeaderSecret',
  'streamHealth.clearHeaderSecret', 'streamHealth.exportReport', 'streamHealth.clearHistory', 'streamHealth.showLog',
  'streamHealth.discoverMcpServers', 'streamHealth.copyDiscoveredToSettings',
  'streamHealth.signIn', 'streamHealth.signOut',
  'streamHealth.copyFix', 'streamHealth.setHeartbeatSeconds',
] as const;
export type CommandId = (typeof COMMAND_IDS)[number];

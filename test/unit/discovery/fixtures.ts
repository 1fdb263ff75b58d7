// Real-world-shaped MCP client config files (comments, trailing commas, inputs, env forms, literal
// tokens, stdio entries), as the clients document them; shared by the discovery unit tests.

export const LITERAL_TOKEN = 'ghp_planted1234567890abcdefSECRET';

export const VSCODE_MCP_JSON = `// VS Code workspace MCP servers
{
  "inputs": [
    { "type": "promptString", "id": "api-token", "description": "GitHub API token", "password": true },
  ],
  "servers": {
    /* remote, Streamable HTTP */
    "github": {
      "type": "http",
      "url": "https://api.githubcopilot.com/mcp/",
      "headers": { "Authorization": "Bearer \${input:api-token}" },
    },
    "legacy": { "type": "sse", "url": "https://legacy.example.com/sse" },
    "fs": { "type": "stdio", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "."] },
    "weird": { "type": "http", "url": "https://x.example.com/mcp // not a comment inside a string" },
  },
}
`;

export const CLAUDE_MCP_JSON = `{
  "mcpServers": {
    "api": {
      "type": "http",
      "url": "\${API_BASE_URL:-https://api.example.com}/mcp",
      "headers": { "Authorization": "Bearer \${API_KEY}", "X-Team": "\${TEAM:-platform}" }
    },
    "old": { "type": "sse", "url": "https://mcp.asana.com/sse" },
    "helper": { "type": "http", "url": "https://helper.example.com/mcp", "headersHelper": "/usr/local/bin/get-headers.sh" }
  }
}
`;

export const CLAUDE_USER_JSON = `{
  "numStartups": 12,
  "mcpServers": { "github": { "type": "http", "url": "https://api.githubcopilot.com/mcp" } },
  "projects": {
    "/home/u/proj": { "mcpServers": { "local-only": { "type": "http", "url": "https://local.example.com/mcp" } } },
    "/home/u/other": { "mcpServers": { "not-this-one": { "type": "http", "url": "https://other.example.com/mcp" } } }
  }
}
`;

export const CURSOR_JSON = `{
  // Cursor: no type; url means remote
  "mcpServers": {
    "github": { "url": "https://gh.cursor.example.com/mcp", "headers": { "Authorization": "Bearer ${LITERAL_TOKEN}" } },
    "linear": { "url": "https://mcp.linear.app/sse", "headers": { "X-Api-Key": "\${env:LINEAR_KEY}", "Accept": "text/event-stream" } },
    "local": { "command": "node", "args": ["server.js"] },
  }
}
`;

export const WINDSURF_JSON = `{
  "mcpServers": {
    "same-as-old": { "serverUrl": "https://mcp.asana.com/sse/" },
    "off": { "serverUrl": "https://off.example.com/mcp", "disabled": true }
  }
}
`;

export const GEMINI_JSON = `{
  "theme": "GitHub",
  "mcpServers": {
    "streamable": { "httpUrl": "https://gemini-http.example.com/mcp", "headers": { "Authorization": "Bearer $NOT_EXPANDED" } },
    "sse-untyped": { "url": "https://gemini-sse.example.com/sse" },
    "typed": { "url": "https://gemini-typed.example.com/mcp", "type": "http" },
    "stdio": { "command": "python", "args": ["-m", "srv"] }
  }
}
`;

export const VSCODE_SETTINGS_LEGACY = `{
  "editor.fontSize": 14,
  "mcp": {
    "inputs": [],
    "servers": { "settings-era": { "type": "http", "url": "https://settings-era.example.com/mcp" } }
  }
}
`;

export const INVALID_JSON = `{
  "servers": {
    "broken": { "type": "http", "url": "https://broken.example.com/mcp" }
    "missing-comma": {}
  }
}
`;

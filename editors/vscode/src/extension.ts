// Starts `tsq lsp` for XML files and stops it with the editor.
import { workspace, ExtensionContext } from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from "vscode-languageclient/node";

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const config = workspace.getConfiguration("tsq");
  const command = config.get<string>("path", "tsq");
  const ruleDocsUrl = config.get<string>("ruleDocsUrl", "");
  const server: ServerOptions = { command, args: ["lsp"], transport: TransportKind.stdio };
  const options: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "xml" },
      { scheme: "untitled", language: "xml" },
    ],
    synchronize: { fileEvents: workspace.createFileSystemWatcher("**/tsq.toml") },
    initializationOptions: ruleDocsUrl ? { ruleDocsUrl } : {},
  };
  client = new LanguageClient("tsq", "tsq", server, options);
  context.subscriptions.push(client);
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}

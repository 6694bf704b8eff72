import { channelNameOf } from "@moqlive/media";

/**
 * Keeps a list element filled with the live channels from /api/channels, refreshed every few seconds. The returned
 * refresh resolves to the live channel names, or undefined when the server did not answer.
 */
export function followChannelList(
  list: HTMLUListElement,
  href: (name: string) => string,
  current?: () => string | undefined,
): () => Promise<string[] | undefined> {
  const refresh = async (): Promise<string[] | undefined> => {
    let names: string[];
    try {
      const response = await fetch("/api/channels", { cache: "no-store" });
      const channels = (await response.json()) as { namespace: string[] }[];
      names = channels.map((c) => channelNameOf(c.namespace)).filter((n): n is string => n !== undefined);
    } catch {
      return undefined;
    }
    list.replaceChildren(
      ...names.sort().map((name) => {
        const item = document.createElement("li");
        const link = document.createElement("a");
        link.href = href(name);
        link.textContent = name;
        item.append(link);
        if (name === current?.()) item.className = "current";
        return item;
      }),
    );
    return names;
  };
  void refresh();
  setInterval(() => void refresh(), 3000);
  return refresh;
}

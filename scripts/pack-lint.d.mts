export function lintTarballs(
  tarballs: string[],
  options?: { log?: (line: string) => void },
): Promise<string[]>;

export interface PublicPackage {
  name: string;
  version: string;
  dir: string;
  manifest: Record<string, unknown>;
}
export function publicPackages(): PublicPackage[];
export function tarballName(name: string, version: string): string;
export function pack(options?: {
  out?: string;
  build?: boolean;
  log?: (line: string) => void;
}): string[];

import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** 256 random bits, URL-safe, so the token fits a URL fragment and a query parameter as it is. */
export function newAccessToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Who may talk to a `captionist serve` on 127.0.0.1: only pages and programs that hold the token,
 * reached under a name that is this server's own (DNS rebinding points an attacker's name at
 * 127.0.0.1, and the browser then sends that name as Host).
 */
export class AccessCheck {
  private readonly expected: Buffer;
  private readonly hosts: Set<string>;
  private readonly origins: Set<string>;

  constructor(token: string, port: number) {
    this.expected = Buffer.from(token);
    this.hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
    this.origins = new Set([...this.hosts].map((host) => `http://${host}`));
  }

  hostAllowed(request: IncomingMessage): boolean {
    return this.hosts.has(request.headers.host?.toLowerCase() ?? '');
  }

  /**
   * Browsers always send Origin on POST and WebSocket upgrades, so a page of another site is
   * refused here even before the token. Programs (curl, scripts) send none and need only the token.
   */
  originAllowed(request: IncomingMessage): boolean {
    const origin = request.headers.origin;
    return origin === undefined || this.origins.has(origin.toLowerCase());
  }

  /** For calls, which fetch makes: the token only in the Authorization header, never in a URL. */
  headerTokenValid(request: IncomingMessage): boolean {
    return this.matches(bearerToken(request));
  }

  /**
   * For what a browser opens without headers: an `<img>` and the event WebSocket carry the token as
   * the `token` query parameter instead of a cookie (cookies ignore ports, so one on 127.0.0.1
   * would also be sent to every other local server the browser visits). The parameter stays with
   * this origin, subresource URLs never enter the history, the pages send no Referer
   * (Referrer-Policy: no-referrer), and this server logs no URLs.
   */
  headerOrQueryTokenValid(request: IncomingMessage, url: URL): boolean {
    return this.matches(bearerToken(request) ?? url.searchParams.get('token'));
  }

  private matches(presented: string | null | undefined): boolean {
    if (!presented) return false;
    const candidate = Buffer.from(presented);
    // timingSafeEqual needs equal lengths; the length of a random token gives nothing away.
    return candidate.length === this.expected.length && timingSafeEqual(candidate, this.expected);
  }
}

function bearerToken(request: IncomingMessage): string | undefined {
  const header = request.headers.authorization;
  return header?.startsWith('Bearer ') ? header.slice('Bearer '.length) : undefined;
}

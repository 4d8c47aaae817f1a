/**
 * The save-time check of a stream's webhook and Slack URLs: a URL that points at the inside of
 * the network (loopback, private, link-local, …) is refused when the stream is saved, with the
 * reason and the channel it is about, instead of failing at the first real incident. With
 * `PULSE_ALLOW_PRIVATE_WEBHOOKS=1` such URLs are allowed, and the save answers a warning
 * instead, so nobody points a stream at an inside address without being told. The send-time
 * guard (lib/alerts/url-guard.ts) still checks every delivery, since DNS answers change.
 *
 * A lookup that fails or hangs does not refuse the save: whether the host answers is the "Send
 * test" button's to tell; only an answer that is positively private counts.
 */
import { isPulseError, PulseError } from '../errors.ts';
import { checkWebhookUrl, type Resolver } from '../alerts/url-guard.ts';
import type { StoredChannel } from './stream.ts';

export interface ChannelTargetOptions {
  /** Resolver for the guard (tests). */
  resolve?: Resolver;
  /** How long one lookup may take before the save goes ahead without its answer. */
  lookupTimeoutMs?: number;
}

/** One channel URL that reaches inside the network: `field` is `channels.<i>.url`, as the form names it. */
export interface PrivateTarget {
  field: string;
  message: string;
}

/** Refuses a version before it is stored (StreamCatalog's `checkTargets`). */
export type ChannelTargetCheck = (channels: readonly StoredChannel[], previous: readonly StoredChannel[]) => Promise<void>;

const defaultLookupTimeoutMs = 3_000;

/** The channels of `channels` whose URL reaches a private, loopback or link-local address, skipping URLs in `known`. */
export async function privateTargets(channels: readonly StoredChannel[], options: ChannelTargetOptions = {}, known: ReadonlySet<string> = new Set()): Promise<PrivateTarget[]> {
  const found = await Promise.all(
    channels.map(async (channel, index): Promise<PrivateTarget | null> => {
      if (!('url' in channel) || known.has(channel.url)) return null;
      const lookup = checkWebhookUrl(channel.url, { allowPrivate: false, ...(options.resolve ? { resolve: options.resolve } : {}) });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(resolve, options.lookupTimeoutMs ?? defaultLookupTimeoutMs, 'timeout')));
      try {
        await Promise.race([lookup, timeout]);
        return null;
      } catch (err) {
        // A failed lookup is not a finding (see above); it shows when the channel is tested or used.
        return isPulseError(err, 'WEBHOOK_URL_REFUSED') ? { field: `channels.${index}.url`, message: err.message } : null;
      } finally {
        clearTimeout(timer);
      }
    }),
  );
  return found.filter((f): f is PrivateTarget => f !== null);
}

/**
 * Throws ALERT_CHANNEL_INVALID `channels.<i>.url: <why>` for the first new or changed URL that
 * reaches inside the network. Unchanged URLs are not looked up again: saving a stream for another
 * edit must not depend on DNS.
 */
export function channelTargetCheck(options: ChannelTargetOptions = {}): ChannelTargetCheck {
  return async (channels, previous) => {
    const known = new Set(previous.flatMap((c) => ('url' in c ? [c.url] : [])));
    const [first] = await privateTargets(channels, options, known);
    if (first) throw new PulseError('ALERT_CHANNEL_INVALID', `${first.field}: ${first.message}`);
  };
}

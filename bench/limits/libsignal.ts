/**
 * Limits of libsignal in one process with in-memory stores: one-way
 * encrypt+decrypt pairs per second on an established session, and session
 * setups per second (process a PQXDH bundle, encrypt the first message,
 * decrypt it on the other side). The end-to-end step measures them, in
 * alternation with the figures they divide (support/repeat.ts repeatWithLimit).
 */
import {
  CiphertextMessageType,
  IdentityKeyPair,
  PreKeyBundle,
  PreKeySignalMessage,
  ProtocolAddress,
  SignalMessage,
  processPreKeyBundle,
  signalDecrypt,
  signalDecryptPreKey,
  signalEncrypt,
} from '@signalapp/libsignal-client';
import { figure, type Figure } from '../figure.js';
import type { BenchConfig } from '../config.js';
import { nowMs, ratePerSecond } from '../support/clock.js';
import { howFar } from '../support/progress.js';
import { warmUpSize, type Repetition } from '../support/repeat.js';
import { newKyberPreKey, newPreKey, newRegistrationId, newSignedPreKey } from '../support/signalKeys.js';
import { memoryStores, type MemoryStores } from './memoryStores.js';

export const SIGNAL_PAIR_RATE = 'limit.signalPairs';
export const SIGNAL_SETUP_RATE = 'limit.signalSetups';

/** A short text padded as API.md says comes to one 160-byte block. */
const PLAINTEXT = new Uint8Array(160).fill(0x61);

interface Party {
  address: ProtocolAddress;
  identity: IdentityKeyPair;
  stores: MemoryStores;
}

let partyCount = 0;

function newParty(): Party {
  partyCount += 1;
  const identity = IdentityKeyPair.generate();
  return {
    address: ProtocolAddress.new(`party-${partyCount}`, 1),
    identity,
    stores: memoryStores(identity, newRegistrationId()),
  };
}

/** Stores a fresh set of prekeys with `owner` and returns the bundle a server would hand out. */
async function publishBundle(owner: Party, id: number): Promise<PreKeyBundle> {
  const preKey = newPreKey(id);
  const signedPreKey = newSignedPreKey(owner.identity, id);
  const kyberPreKey = newKyberPreKey(owner.identity, id);
  await owner.stores.preKey.savePreKey(id, preKey);
  await owner.stores.signedPreKey.saveSignedPreKey(id, signedPreKey);
  await owner.stores.kyberPreKey.saveKyberPreKey(id, kyberPreKey);
  return PreKeyBundle.new(
    await owner.stores.identity.getLocalRegistrationId(),
    owner.address.deviceId(),
    id,
    preKey.publicKey(),
    id,
    signedPreKey.publicKey(),
    signedPreKey.signature(),
    owner.identity.publicKey,
    id,
    kyberPreKey.publicKey(),
    kyberPreKey.signature(),
  );
}

async function encrypt(from: Party, to: Party): Promise<{ type: number; body: Uint8Array<ArrayBuffer> }> {
  const message = await signalEncrypt(PLAINTEXT, to.address, from.address, from.stores.session, from.stores.identity);
  return { type: message.type(), body: message.serialize() };
}

async function decrypt(at: Party, from: Party, message: { type: number; body: Uint8Array<ArrayBuffer> }): Promise<void> {
  const { stores } = at;
  if (message.type === CiphertextMessageType.PreKey) {
    await signalDecryptPreKey(
      PreKeySignalMessage.deserialize(message.body),
      from.address,
      at.address,
      stores.session,
      stores.identity,
      stores.preKey,
      stores.signedPreKey,
      stores.kyberPreKey,
    );
  } else {
    await signalDecrypt(SignalMessage.deserialize(message.body), from.address, at.address, stores.session, stores.identity);
  }
}

/** The full first contact: bundle processed, first message encrypted and decrypted. */
async function setUpSession(sender: Party, recipient: Party, bundle: PreKeyBundle): Promise<void> {
  await processPreKeyBundle(bundle, recipient.address, sender.address, sender.stores.session, sender.stores.identity);
  await decrypt(recipient, sender, await encrypt(sender, recipient));
}

/** One repetition of the pair-rate limit: one-way encrypt + decrypt pairs per second, in memory, one process. */
export async function measurePairRate(config: BenchConfig, run: Repetition): Promise<number> {
  const alice = newParty();
  const bob = newParty();
  await setUpSession(alice, bob, await publishBundle(bob, 1));
  // One reply, so Alice leaves the PreKey stage and sends plain Whisper messages, as a live conversation does.
  await decrypt(alice, bob, await encrypt(bob, alice));
  const pairs = warmUpSize(config.signalPairs, run);
  const startedAt = nowMs();
  for (let done = 0; done < pairs; done += 1) {
    await decrypt(bob, alice, await encrypt(alice, bob));
    if (done % 500 === 0) run.report(`libsignal limit: ${howFar(done, pairs, 'pairs')}`);
  }
  return ratePerSecond(pairs, nowMs() - startedAt);
}

/** One repetition of the setup-rate limit: PQXDH session setups (bundle processed, first message decrypted) per second. */
export async function measureSetupRate(config: BenchConfig, run: Repetition): Promise<number> {
  const setups = warmUpSize(config.signalSessionSetups, run);
  const recipient = newParty();
  // Key generation is registration work, not session setup: done before the clock starts.
  const senders: Party[] = [];
  const bundles: PreKeyBundle[] = [];
  for (let i = 1; i <= setups; i += 1) {
    senders.push(newParty());
    bundles.push(await publishBundle(recipient, i));
  }
  const startedAt = nowMs();
  for (let i = 0; i < setups; i += 1) {
    await setUpSession(senders[i] as Party, recipient, bundles[i] as PreKeyBundle);
    if (i % 20 === 0) run.report(`libsignal limit: ${howFar(i, setups, 'sessions')}`);
  }
  return ratePerSecond(setups, nowMs() - startedAt);
}

export function pairRateFigure(config: BenchConfig, rates: number[]): Figure {
  return figure(SIGNAL_PAIR_RATE, 'limit: libsignal one-way encrypt+decrypt', 'pair/s', rates, {
    details: { pairsPerRepetition: config.signalPairs, plaintextBytes: PLAINTEXT.length },
  });
}

export function setupRateFigure(config: BenchConfig, rates: number[]): Figure {
  return figure(SIGNAL_SETUP_RATE, 'limit: libsignal session setup (PQXDH)', 'setup/s', rates, {
    details: { setupsPerRepetition: config.signalSessionSetups },
  });
}

/** e2ee.v1.Keys: prekey upload and count for the caller, bundles of others. */
import type * as grpc from '@grpc/grpc-js';
import type { KeysHandlers } from '../../proto/generated/e2ee/v1/Keys.js';
import type { PreKeyBundle as WireBundle } from '../../proto/generated/e2ee/v1/PreKeyBundle.js';
import type { KeyService } from '../domain/keys.js';
import type { PreKeyBundle } from '../domain/types.js';
import type { Gatekeeper } from './auth.js';
import { failureToRpcError } from './errors.js';
import type { HandlerKit } from './handlers.js';
import * as validate from './validate.js';

export interface KeysDeps {
  keys: KeyService;
  gate: Gatekeeper;
  kit: HandlerKit;
  maxPreKeysPerList: number;
}

const signedToWire = (k: { keyId: number; publicKey: Uint8Array; signature: Uint8Array }) => ({
  id: k.keyId,
  public_key: Buffer.from(k.publicKey),
  signature: Buffer.from(k.signature),
});

function bundleToWire(b: PreKeyBundle): WireBundle {
  return {
    number: b.number,
    device_id: b.deviceId,
    registration_id: b.registrationId,
    identity_key: Buffer.from(b.identityKey),
    signed_pre_key: signedToWire(b.signedPreKey),
    pre_key: b.preKey && { id: b.preKey.keyId, public_key: Buffer.from(b.preKey.publicKey) },
    kyber_pre_key: signedToWire(b.kyberPreKey),
  };
}

export class KeysService {
  constructor(private readonly deps: KeysDeps) {}

  addToServer(server: grpc.Server, definition: grpc.ServiceDefinition): void {
    const { keys, gate, kit } = this.deps;
    const max = this.deps.maxPreKeysPerList;
    const handlers: KeysHandlers = {
      UploadPreKeys: kit.unary('UploadPreKeys', async (req, call) => {
        const caller = gate.callerOf(call);
        const identity = caller.identityKey;
        const kyberLastResort = req.kyber_last_resort_pre_key
          ? validate.signedKyberPreKey(req.kyber_last_resort_pre_key, identity, 'kyber_last_resort_pre_key')
          : undefined;
        const kyberPreKeys = validate.oneTimeKyberPreKeys(req.kyber_pre_keys, identity, max, 'kyber_pre_keys');
        validate.unique(
          [...(kyberLastResort ? [kyberLastResort.keyId] : []), ...kyberPreKeys.map((k) => k.keyId)],
          'kyber prekeys',
        );
        return keys.upload(caller, {
          signedPreKey: req.signed_pre_key
            ? validate.signedEcPreKey(req.signed_pre_key, identity, 'signed_pre_key')
            : undefined,
          kyberLastResortPreKey: kyberLastResort,
          preKeys: validate.oneTimeEcPreKeys(req.pre_keys, max, 'pre_keys'),
          kyberPreKeys,
        });
      }),

      GetPreKeyCount: kit.unary('GetPreKeyCount', (_req, call) => keys.count(gate.callerOf(call))),

      GetPreKeyBundle: kit.unary('GetPreKeyBundle', async (req, call) => {
        const caller = gate.callerOf(call);
        const outcome = await keys.bundle(caller, validate.number(req.number));
        if (!outcome.ok) throw failureToRpcError(outcome.failure);
        return bundleToWire(outcome.value);
      }),
    };
    server.addService(definition, handlers);
  }
}

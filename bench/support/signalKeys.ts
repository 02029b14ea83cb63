/** Fresh libsignal prekeys, signed by an identity the way API.md says (a signature over the serialized public key). */
import { IdentityKeyPair, KEMKeyPair, KyberPreKeyRecord, PreKeyRecord, PrivateKey, SignedPreKeyRecord } from '@signalapp/libsignal-client';

export function newPreKey(id: number): PreKeyRecord {
  const privateKey = PrivateKey.generate();
  return PreKeyRecord.new(id, privateKey.getPublicKey(), privateKey);
}

export function newSignedPreKey(identity: IdentityKeyPair, id: number): SignedPreKeyRecord {
  const privateKey = PrivateKey.generate();
  const publicKey = privateKey.getPublicKey();
  return SignedPreKeyRecord.new(id, Date.now(), publicKey, privateKey, identity.privateKey.sign(publicKey.serialize()));
}

export function newKyberPreKey(identity: IdentityKeyPair, id: number): KyberPreKeyRecord {
  const keyPair = KEMKeyPair.generate();
  return KyberPreKeyRecord.new(id, Date.now(), keyPair, identity.privateKey.sign(keyPair.getPublicKey().serialize()));
}

/** A registration id in libsignal's range 1..16380. */
export function newRegistrationId(): number {
  return 1 + Math.floor(Math.random() * 16380);
}

// Original file: proto/e2ee/v1/common.proto


export interface PreKeyCount {
  'ec'?: (number);
  'kyber'?: (number);
}

export interface PreKeyCount__Output {
  'ec': (number);
  'kyber': (number);
}

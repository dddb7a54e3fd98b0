// The renderer's only view of the core: the typed contract. Transports (Electron IPC, HTTP in
// web mode) implement Client; screens call client.call('orders.place', {...}) and nothing else.
export type { Client, InputOf, OperationName, OutputOf } from '../../core/contract/api';
export type { SerializedError } from '../../core/errors';
export type { OrderStatus, Permission, Role } from '../../core/vocabulary';

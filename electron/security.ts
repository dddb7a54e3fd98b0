export { contentSecurityPolicy } from '../core/ops/csp';

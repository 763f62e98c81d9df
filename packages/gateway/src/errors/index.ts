export { errorCodes, type ErrorCode } from './error-codes.ts';
export { GatewayError, isGatewayError, type GatewayErrorOptions } from './gateway-error.ts';
export { renderErrorsDoc } from './render-errors-doc.ts';

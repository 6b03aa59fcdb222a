// The one rule for a password someone chooses, in a module of its own so the forms (client
// components) can say it without importing the account services.
export const NEW_PASSWORD_MIN_LENGTH = 10;
export const NEW_PASSWORD_MAX_LENGTH = 200;

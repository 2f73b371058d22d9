/**
 * The error every package of the harness may raise for bad user input (exit code 2); a leaf package,
 * so that engines, inputs, safety checks and the check itself depend on it without depending on
 * each other.
 */
package dev.parity.errors;

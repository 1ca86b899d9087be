/** Runtime: annotations. */
package dev.jkata.runtime.annotations;

/** Which site a ready task is sent to. */
package dev.trellis.engine.site;

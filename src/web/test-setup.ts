// Unit tests run in jsdom, whose window is torn down when a test file ends. Preact runs effects after the next
// frame: a requestAnimationFrame raced by a 100 ms timer whose callback calls cancelAnimationFrame. A timer still
// pending at teardown threw "cancelAnimationFrame is not defined" on a loaded machine. A plain macrotask keeps the
// order (effects after the render's task) without a frame; effects of components unmounted by then are skipped.
import { options } from "preact";

options.requestAnimationFrame = (callback: () => void) => {
  setTimeout(callback);
};

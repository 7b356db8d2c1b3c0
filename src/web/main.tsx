// Entry point: theme first (no flash of the wrong colours), then the app.
import "@/app/styles.css";
import { render } from "preact";
import { App } from "@/app/app";
import { startTheme } from "@/app/theme";

startTheme();
const root = document.getElementById("app");
if (root) render(<App />, root);

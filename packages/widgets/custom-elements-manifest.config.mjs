/**
 * The analyzer reads every entry of `static properties` as an attribute, including internal
 * `{ state: true }` ones, and reads the generic emit() as an event named "type". This drops both;
 * the real events are documented with @fires.
 */
function dropInternals() {
  return {
    name: "pulse-drop-internals",
    packageLinkPhase({ customElementsManifest }) {
      for (const module of customElementsManifest.modules) {
        for (const declaration of module.declarations ?? []) {
          const privateFields = new Set(
            (declaration.members ?? [])
              .filter((member) => member.privacy === "private")
              .map((member) => member.name),
          );
          if (declaration.attributes) {
            declaration.attributes = declaration.attributes.filter(
              (attribute) => !privateFields.has(attribute.fieldName ?? attribute.name),
            );
          }
          if (declaration.events)
            declaration.events = declaration.events.filter((event) => event.name !== "type");
        }
      }
    },
  };
}

/** Generates custom-elements.json from the widgets' JSDoc (@attr, @csspart, @cssproperty, @fires). */
export default {
  // The widgets and the base classes they inherit from; the rest of src/internal is not public API.
  globs: ["src/pulse-*/pulse-*-survey.ts", "src/pulse-*/pulse-health-badge.ts", "src/internal/*-element.ts"],
  outdir: ".",
  litelement: true,
  plugins: [dropInternals()],
};

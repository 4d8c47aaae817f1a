// Tailwind CSS v4 runs as a PostCSS plugin inside `next build` / `next dev`.
export default { plugins: { '@tailwindcss/postcss': {} } };

// Next.js configuration. The dashboard (app/) is served by the custom server in server/.
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  typescript: {
    // `npm test` type-checks the whole project with `tsc -p .`; a second check inside
    // `next build` would only double the build time on small machines.
    ignoreBuildErrors: true,
    // Next rewrites the tsconfig it is given (jsx, plugins, includes) unless that file
    // extends another one; this small file keeps the project's tsconfig.json as written.
    tsconfigPath: 'tsconfig.next.json',
  },
  // No dev-mode badge over the charts (PULSE_UI=dev), and no `x-powered-by` header telling
  // clients which framework and version answer.
  devIndicators: false,
  poweredByHeader: false,
};
export default nextConfig;

// Next.js configuration. The dashboard (app/) is served by the custom server in server/.
/** @type {import('next').NextConfig} */
const nextConfig = { reactStrictMode: true };
export default nextConfig;

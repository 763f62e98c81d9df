export { demoBanner, startDemo, type Demo } from './start-demo.ts';

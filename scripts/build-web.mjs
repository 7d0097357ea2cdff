// `npm run build`'s last step: the entry and review pages' scripts bundled into dist/web, with
// their HTML and CSS (see src/services/web-assets.ts, which does the same on demand from src).
import { buildWebAssets } from '../dist/services/web-assets.js'

await buildWebAssets('src/web', 'dist/web')

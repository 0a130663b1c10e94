export async function makeFigures(_o: { profile: string; resultsDir: string; figuresDir: string }): Promise<string[]> { throw new Error('figures: not yet'); }
